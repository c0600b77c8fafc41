"""The published language: the payload of every integration event, typed once for its producer and its readers.

One module per topic (``profiles``, ``vacancies``, ``credentials``, ``placements``, ``matches``), one frozen
dataclass per event type: ``to_data()`` is the payload exactly as ``contracts/schemas/<TYPE>.json`` reads it,
``from_data()`` reads one back, ``event(source)`` wraps it in a CloudEvent keyed by the entity id, and each
module's ``parse(type, data)`` returns the typed event of a payload. Services never import each other; they
share this contract. How a service's domain maps onto an event stays in that service's ``events.py``.
"""
