"""Who caused an event: the platform-wide event metadata, recorded on every goal event."""

from okr_shared.event_meta import EventMeta

__all__ = ["EventMeta"]
