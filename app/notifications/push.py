"""Web Push delivery (VAPID): sending to a person's devices.

Deliveries on the push channel exist only for people with a subscribed
device, and devices are added by the push pages; until the VAPID sender is
configured a push delivery fails loudly rather than pretending to send.
"""


def push_notification(notification, event) -> None:
    """Send `notification` to each of its person's devices. Raises
    RuntimeError while no VAPID sender is configured."""
    raise RuntimeError("Web Push is not configured")
