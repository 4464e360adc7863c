"""Generation: from an approved breakdown to a finished video, reusing unchanged work."""
