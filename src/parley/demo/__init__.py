"""The demo: the seed's exchange reenacted with synthetic people, through the real use cases."""
