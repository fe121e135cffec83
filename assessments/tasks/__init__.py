"""Work on the queue (Celery: imhcf/celery.py), one module per concern:

- `queueing`: `later(task, ...)`, the one way work is queued (after the transaction that
  asked for it commits), the retry policy, and what an admin sees of a task that failed
  for good;
- `mail`: team notices, one task per person;
- `invitations`: a staff import's invitation e-mails, in batches, with progress;
- `reminders`: the day's reminders, one task per reminder;
- `tallies`: `recount`;
- `prepared`: the whole-record ZIP and the portfolio PDF, built for a download page;
- `sweep`: work that was saved but never queued, or whose queue was lost.

Every task is idempotent: it may run twice (a worker that dies is replaced, the sweep
queues again) and still sends each e-mail once. The modules are imported by the worker
(CELERY_IMPORTS) and by the code that queues them; this file imports none of them, so
domain modules may import a task module without a cycle."""
