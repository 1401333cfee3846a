"""Errors that the command line reports as one line and exit status 2."""


class UsageError(Exception):
    """Bad input from the user (a flag value, a search space): one line, exit status 2."""


class DataError(UsageError):
    """A data file that is missing, unreadable or not in the expected format."""
