"""Scale-out: the pipeline's stages as Celery tasks on a broker (Redis by default, RabbitMQ where configured).

The embedded default runs every stage in one process (``newsloom crawl``, ``newsloom run``). With
``broker_url`` set, ``newsloom beat`` only schedules and any number of ``newsloom worker`` processes, on any
machines sharing the store (PostgreSQL) and the broker, do the work:

- ``newsloom.schedule_due``: lease the entry points that are due and send one ``poll_feed`` for each;
- ``newsloom.poll_feed``: a conditional GET of one feed, new article URLs recorded as queued and sent on;
- ``newsloom.ingest_url``: fetch one page politely (``fetch.shared_politeness``) and run
  extract → enrich → store (``pipeline.process_page``), the same code as the embedded crawl;
- ``newsloom.update_stories``: the batch stages after store (``pipeline.Batch``: media, translation, stories,
  enrichment) over whatever is pending, one run at a time across all workers (a Redis lock).

Every task is acknowledged only after it ran (``acks_late``), so a worker killed mid-task leaves its message to
another; every effect is idempotent (articles keyed by canonical URL, URLs by the crawl log), so a task run twice
stores nothing twice. Transient failures (store or broker unreachable) retry with backoff up to
``task_max_retries``; a page's own failure is recorded against the page and not retried by the queue.
"""
