"""The business area: its JSON API under /api/v1/business (and its pages under /business)."""
