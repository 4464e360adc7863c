"""Pixora's server: the chat WebSocket, REST, auth and the web page (Starlette on uvicorn)."""
