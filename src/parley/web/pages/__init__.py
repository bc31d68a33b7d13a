"""One module a page family, each with its `router`; `parley.web.site.PAGES` lists them."""
