"""Identity: who is signing in or signed in, through every door.

Principals (a customer's line today; a business user, an agent or an API client next),
their credentials (the login code sent by SMS, the voice line's service PIN), the sessions a
principal opens (browser cookie or API bearer token), lockouts and the sign-in limits.
Channels call ``identity.service`` (the operations listed in ``identity.interfaces``); they
never read these tables themselves.
"""
