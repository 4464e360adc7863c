"""Shared HTTP plumbing for cloud calls: errors, retries and rate limits, downloads."""
