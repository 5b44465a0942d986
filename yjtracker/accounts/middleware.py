"""Middleware path kept short in settings: see yjtracker.accounts.two_factor."""

from yjtracker.accounts.two_factor import RequireTwoFactorMiddleware

__all__ = ["RequireTwoFactorMiddleware"]
