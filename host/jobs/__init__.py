"""Provider work in the background, on Huey.

The ``jobs`` table is the source of truth; a Huey message only says "run job
N now". Huey delivers at most once (a worker killed with -9 loses the message
in hand), so ``recovery`` re-enqueues rows whose message was lost and resumes
rows whose worker died, and every job is safe to run twice: it claims its
row first, and a create reuses the link's ``attempt_id``.

- ``queue``: the Huey instance from configuration, and enqueueing.
- ``service``: what the web app asks for (create, refresh, webhook updates).
- ``runner``: what a worker does with one job.
- ``recovery``: heartbeats and re-enqueueing what was lost.
- ``sync``: the scheduled status sync.
- ``bulk``: bulk runs from the invoice list.
- ``worker``: the ``erp-host worker`` and ``erp-host jobs`` commands.
"""
