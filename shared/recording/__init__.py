"""The recording framework: how the recording services (activities, consultations) take
client records, the same way in each. Import the part you use:

- `records`: the stored side: statuses, versions, the history table, record pages.
- `kinds`: `RecordKind`, how a service describes a kind of record it takes.
- `recorder`: the `Recorder`, one request's writes (an item or a batch) with their history
  and feed entries in one transaction.
- `schemas`: the schemas every recording service shares (batches, results, history, lists).
"""
