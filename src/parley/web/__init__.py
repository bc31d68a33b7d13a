"""The web desk: server-rendered pages over `app`, like the CLI, for the mediator, each side's
office, monitors, the handover site and the public; in Ukrainian, Russian and English."""
