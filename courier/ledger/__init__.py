"""The ledger: what a shipment's custody and its proofs leave on record, and how that record is kept honest.

custody.py moves shipments and writes their events; chain.py seals attempts, cash hand-ins,
events and proofs into hash chains and verifies them; checkpoints.py signs the chains' heads;
tally.py counts shipments per state from the events. Persistence code under the domain's pure rules.
"""
