"""The edges: each turns a protocol into calls to handlers and services, and back."""
