"""Income: the money that comes in, by stream, against the follower tier's benchmark."""
