"""The printed documents: the PDF pipeline (HTML on the centre's letterhead to PDF/A, rendered by a
Celery task), the renderings' records and the case's documents. Other apps register the kinds
they print (`documents.kinds.register_kind`)."""
