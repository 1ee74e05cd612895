"""The ceiling for the hand-over load (bench/handover_load.py): a bare Flask app, no database.

It takes the same requests as POST /api/v1/courier/attempts, parses the same multipart, writes
the three parts to one new file with an fsync (an acknowledged upload is on disk, as ours is)
and answers 201 with a small JSON body. Served by gunicorn with the same settings as the app:
`gunicorn bench.ceiling_app:app`. CEILING_UPLOAD_DIR says where the files go.
"""
import os
import uuid

from flask import Flask, jsonify, request

app = Flask(__name__)
UPLOADS = os.environ.get("CEILING_UPLOAD_DIR", "/tmp/courier-ceiling")
os.makedirs(UPLOADS, exist_ok=True)


@app.post("/api/v1/courier/attempts")
def attempts():
    attempt = request.form.get("attempt", "").encode()
    parts = [upload.read() for upload in request.files.values()]
    name = uuid.uuid4().hex
    with open(os.path.join(UPLOADS, name), "wb") as out:
        out.write(attempt)
        for part in parts:
            out.write(part)
        out.flush()
        os.fsync(out.fileno())
    return jsonify(status="created", client_id=name), 201


@app.get("/login")
def login():
    return "ok"
