"""The web UI's views, one module per area. Each view parses the request, calls one service
or selector, and renders; rules live in the apps' services and in docket.access."""
