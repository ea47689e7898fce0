"""The one exception type validate raises for the caller's mistakes."""


class UsageError(Exception):
    """Bad command-line or API arguments, or a kernel that cannot be loaded or called as
    declared (exit status 2): never a verdict about the kernel."""
