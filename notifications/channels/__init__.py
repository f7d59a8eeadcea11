"""The registry of delivery channels. Each channel is one module of this package that registers
itself when imported; `load()` imports the built-in ones, so a new channel (an SMS gateway, say) is
one new module and one import there."""

from .base import Channel

_CHANNELS: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    """Add a channel (once per name: importing its module again changes nothing)."""
    _CHANNELS.setdefault(channel.name, channel)
    return channel


def registered() -> list[Channel]:
    return list(_CHANNELS.values())


def get(name: str) -> Channel:
    return _CHANNELS[name]


def announce_created() -> None:
    """Tell every channel that the current transaction created notifications."""
    for channel in _CHANNELS.values():
        channel.announce()


def load() -> None:
    """Import the built-in channel modules (each registers itself)."""
    from . import email, in_app  # noqa: F401
