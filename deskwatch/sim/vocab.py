"""Code tables: small integers in the columns, Zendesk strings in the JSON."""

from __future__ import annotations

STATUSES = ("new", "open", "pending", "hold", "solved", "closed", "deleted")
NEW, OPEN, PENDING, HOLD, SOLVED, CLOSED, DELETED = range(7)
TYPES = (None, "question", "incident", "problem", "task")
PRIORITIES = (None, "low", "normal", "high", "urgent")
URGENT = 4
CHANNELS = ("email", "web", "api", "voice", "chat", "mobile", "native_messaging")
TAGS = ("billing", "bug", "feature_request", "refund", "login", "shipping", "vip", "escalated")
ESCALATED_BIT = 1 << TAGS.index("escalated")
# satisfaction score codes (NULL = no rating on the ticket)
SCORES = ("unoffered", "offered", "good", "bad")
UNOFFERED, OFFERED, GOOD, BAD = range(4)
SUBJECTS = (
    "Cannot log in to my account",
    "Refund request for order",
    "Invoice shows the wrong amount",
    "App crashes on start",
    "Where is my package?",
    "Feature request: dark mode",
    "Password reset email never arrives",
    "Charged twice this month",
    "How do I export my data?",
    "Error 500 when saving settings",
    "Change of billing address",
    "Cancel my subscription",
)
RATING_COMMENTS = (
    None,
    "Thanks, quick and helpful!",
    "Great support",
    "Still not fixed",
    "Too slow",
)
BAD_REASONS = ("The issue took too long to resolve", "The issue was not resolved", "Agent was rude")
GROUP_NAMES = ("Support", "Billing", "Technical", "VIP", "Escalations")
BRAND_NAMES = ("Acme", "Acme Pro")
FIRST_NAMES = (
    "Ava", "Ben", "Chloe", "Dan", "Ella", "Finn", "Grace", "Hugo", "Iris", "Jack",
    "Kira", "Leo", "Maya", "Noah", "Olive", "Paul", "Quinn", "Rosa", "Sam", "Tara",
)  # fmt: skip
LAST_NAMES = ("Adams", "Brown", "Costa", "Diaz", "Evans", "Fischer", "Garcia", "Hansen")

CALL_STATUSES = (
    "completed",
    "abandoned_in_queue",
    "abandoned_in_ivr",
    "abandoned_on_hold",
    "abandoned_in_voicemail",
    "failed",
    "voicemail",
    "exceeded_queue_wait_time",
)
(
    C_COMPLETED,
    C_AB_QUEUE,
    C_AB_IVR,
    C_AB_HOLD,
    C_AB_VOICEMAIL,
    C_FAILED,
    C_VOICEMAIL,
    C_EXCEEDED,
) = range(8)
QUALITY = ("none", "silence", "high_latency", "packet_loss", "information_not_available")
INBOUND, OUTBOUND = 0, 1
DIRECTIONS = ("inbound", "outbound")
LEG_CUSTOMER, LEG_AGENT = 0, 1
LEG_TYPES = ("customer", "agent")
ROLES = ("end-user", "agent", "admin")
