//! Mailbox drivers and local mailbox formats.
