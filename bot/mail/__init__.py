"""Reading e-mail: from raw bytes (SMTP, LMTP, an mbox archive) to typed events. No I/O here."""
