"""Pixora: a conversational video studio built on the OpenAI Agents SDK."""
