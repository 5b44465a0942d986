"""Log timestamps in UTC, whatever the server's time zone."""

import logging
import time


class UTCFormatter(logging.Formatter):
    converter = time.gmtime
