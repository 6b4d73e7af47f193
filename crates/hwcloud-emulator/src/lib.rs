//! Placeholder: the emulator lands with its issue.
