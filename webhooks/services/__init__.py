"""Webhook writes: endpoints (register, delete, re-enable, ping) and deliveries (queue, attempt, give up)."""
