"""Asterisk FastAGI: codec (``protocol``), one call's command/reply session (``channel``), and
the TCP server that runs the menus over it (``server``)."""
