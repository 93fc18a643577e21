"""Alerts: what deserves telling (facts), the weekly digest, the channels and delivering each fact once.

`cchc daily` calls detect() and digest(), then deliver(); config/alerts.yaml says which rules and channels."""

from __future__ import annotations

from cchc.alerts.digest import digest
from cchc.alerts.facts import Alert, detect
from cchc.alerts.send import AlertStateError, DeliveryResult, Failure, deliver

__all__ = ["Alert", "AlertStateError", "DeliveryResult", "Failure", "deliver", "detect", "digest"]
