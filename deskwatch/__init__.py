"""deskwatch: a terminal dashboard for helpdesk supervisors, live on a Zendesk account."""

__version__ = "0.1.0"
