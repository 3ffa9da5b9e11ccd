"""The outbox: mail and webhooks (Slack, Teams) written in the request's transaction, delivered after it.

A service queues a message with ``services.queue_mail(session, ...)`` or ``services.queue_webhook``: it is a row of
``outbox_message``, committed (or rolled back) with the change it announces. Delivery happens
after the commit, never inside a request: by ``hub worker`` (a loop, or ``--once`` from cron) and by
a background thread of each web process (``delivery.Courier``), woken when a request that queued
mail has committed. Claiming a message is a conditional UPDATE, so any number of workers and web
processes on any number of machines can deliver side by side without sending anything twice.
"""
