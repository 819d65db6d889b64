"""Approval links: a brand approves a draft, or asks for a revision, through a secret link.

The brand's routes need no login (the token in the URL is the key): they are in the app's one
list of public endpoints, crm.public.PUBLIC_ENDPOINTS.
"""
