"""lacralo-bot: participation, status, nominations, proxies and reminders for LACRALO."""

__version__ = "0.1.0"
