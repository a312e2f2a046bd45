"""The words of what the bot sends: status notices, digests, reminders and calendar invitations."""
