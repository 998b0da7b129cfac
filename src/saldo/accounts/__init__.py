"""Company accounts of business customers: their users and roles, registration, sign-in,
invitations, and what each user may see and do on the company's lines."""
