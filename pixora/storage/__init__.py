"""Where task files live: the Storage protocol, the key layout, and the backends."""

from pixora.storage.base import InvalidKey, Storage, key_for, validate_key
from pixora.storage.local import LocalStorage

__all__ = ["InvalidKey", "LocalStorage", "Storage", "key_for", "validate_key"]
