"""Approval links: a brand approves a draft, or asks for a revision, through a secret link.

PUBLIC_ENDPOINTS are the routes a visitor reaches without logging in (the token in the URL
is the key); the app's one list of public endpoints takes them from here.
"""

PUBLIC_ENDPOINTS: tuple[str, ...] = ("approve.page", "approve.answer")
