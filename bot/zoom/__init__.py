"""Zoom: its webhook events as typed values, and its participant reports."""
