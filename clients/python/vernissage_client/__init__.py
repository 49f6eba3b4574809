"""A small typed client for the Vernissage API v1."""

from vernissage_client.client import FINAL, OPERATIONS, Client
from vernissage_client.errors import ApiError
from vernissage_client.webhooks import Receiver, SignatureError, verify

__all__ = ["FINAL", "OPERATIONS", "ApiError", "Client", "Receiver", "SignatureError", "verify"]
