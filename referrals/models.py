"""Models of the referrals app."""
