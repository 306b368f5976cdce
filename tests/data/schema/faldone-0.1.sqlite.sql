CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE api_keys (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	key_hash VARCHAR(64) NOT NULL, 
	prefix VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	last_used_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, 
	UNIQUE (key_hash)
);
CREATE TABLE app_secrets (
	name VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (name)
);
CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at VARCHAR(32) NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	action VARCHAR(64) NOT NULL, 
	target VARCHAR(255) NOT NULL, 
	ip VARCHAR(64) NOT NULL, 
	detail TEXT NOT NULL, 
	prev_hash VARCHAR(64) NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (prev_hash)
);
CREATE TABLE collections (
	id INTEGER NOT NULL, 
	pattern VARCHAR(255) NOT NULL, 
	groups TEXT NOT NULL, 
	description TEXT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (pattern)
);
CREATE TABLE corrections (
	id INTEGER NOT NULL, 
	document_id VARCHAR(32) NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	value JSON NOT NULL, 
	user VARCHAR(255) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE customers (
	id INTEGER NOT NULL, 
	name VARCHAR(512) NOT NULL, 
	codes JSON NOT NULL, 
	vat_id VARCHAR(32) NOT NULL, 
	emails JSON NOT NULL, 
	aliases JSON NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE deletions (
	id INTEGER NOT NULL, 
	document_ids TEXT NOT NULL, 
	reason VARCHAR(64) NOT NULL, 
	requested_by VARCHAR(64) NOT NULL, 
	requested_at DATETIME NOT NULL, 
	processed_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE TABLE documents (
	id VARCHAR(32) NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	root_id VARCHAR(32) NOT NULL, 
	parent_id VARCHAR(32), 
	thread_id VARCHAR(64), 
	job_id INTEGER, 
	filename VARCHAR(1024) NOT NULL, 
	mime_type VARCHAR(255) NOT NULL, 
	size INTEGER NOT NULL, 
	source VARCHAR(255) NOT NULL, 
	title TEXT NOT NULL, 
	date DATETIME, 
	language VARCHAR(8) NOT NULL, 
	category VARCHAR(64) NOT NULL, 
	complaint BOOLEAN NOT NULL, 
	sentiment FLOAT NOT NULL, 
	ingested_at DATETIME NOT NULL, 
	data JSON NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE imap_cursors (
	account VARCHAR(512) NOT NULL, 
	folder VARCHAR(512) NOT NULL, 
	uidvalidity BIGINT NOT NULL, 
	last_uid BIGINT NOT NULL, 
	PRIMARY KEY (account, folder)
);
CREATE TABLE jobs (
	id INTEGER NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	filename VARCHAR(1024) NOT NULL, 
	source VARCHAR(255) NOT NULL, 
	source_path TEXT NOT NULL, 
	mime_type VARCHAR(255) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	available_at DATETIME NOT NULL, 
	lease_until DATETIME, 
	worker_id VARCHAR(255) NOT NULL, 
	error TEXT NOT NULL, 
	error_code VARCHAR(64) NOT NULL, 
	document_id VARCHAR(32), 
	documents INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	started_at DATETIME, 
	finished_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE TABLE legal_hold_items (
	id INTEGER NOT NULL, 
	matter_id INTEGER NOT NULL, 
	document_id VARCHAR(32) NOT NULL, 
	root_id VARCHAR(32) NOT NULL, 
	added_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(matter_id) REFERENCES legal_matters (id)
);
CREATE TABLE legal_matters (
	id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	description TEXT NOT NULL, 
	custodian VARCHAR(200) NOT NULL, 
	"query" TEXT NOT NULL, 
	created_by VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	released_at DATETIME, 
	released_by VARCHAR(64) NOT NULL, 
	release_reason TEXT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE quarantine (
	id INTEGER NOT NULL, 
	job_id INTEGER, 
	parent_id VARCHAR(32), 
	sha256 VARCHAR(64) NOT NULL, 
	filename VARCHAR(1024) NOT NULL, 
	mime_type VARCHAR(255) NOT NULL, 
	code VARCHAR(64) NOT NULL, 
	reason TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE retention_policies (
	id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	category VARCHAR(64) NOT NULL, 
	source_pattern VARCHAR(255) NOT NULL, 
	years INTEGER NOT NULL, 
	months INTEGER NOT NULL, 
	days INTEGER NOT NULL, 
	basis VARCHAR(16) NOT NULL, 
	created_by VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE saved_searches (
	id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	"query" TEXT NOT NULL, 
	owner VARCHAR(255) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE seen_files (
	path TEXT NOT NULL, 
	size INTEGER NOT NULL, 
	mtime FLOAT NOT NULL, 
	PRIMARY KEY (path)
);
CREATE TABLE sessions (
	token_hash VARCHAR(64) NOT NULL, 
	user_id INTEGER NOT NULL, 
	csrf VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	PRIMARY KEY (token_hash), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE users (
	id INTEGER NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	password_hash TEXT NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	groups TEXT NOT NULL, 
	active BOOLEAN NOT NULL, 
	must_change_password BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (username)
);
CREATE INDEX ix_api_keys_user_id ON api_keys (user_id);
CREATE INDEX ix_audit_log_action ON audit_log (action);
CREATE INDEX ix_audit_log_actor ON audit_log (actor);
CREATE INDEX ix_audit_log_at ON audit_log (at);
CREATE INDEX ix_audit_log_target ON audit_log (target);
CREATE INDEX ix_corrections_document_id ON corrections (document_id);
CREATE INDEX ix_customers_vat_id ON customers (vat_id);
CREATE INDEX ix_deletions_processed_at ON deletions (processed_at);
CREATE INDEX ix_documents_date ON documents (date);
CREATE INDEX ix_documents_parent_id ON documents (parent_id);
CREATE INDEX ix_documents_root_id ON documents (root_id);
CREATE INDEX ix_documents_sha256 ON documents (sha256);
CREATE INDEX ix_documents_thread_id ON documents (thread_id);
CREATE INDEX ix_jobs_claim ON jobs (state, available_at);
CREATE INDEX ix_jobs_sha256 ON jobs (sha256);
CREATE INDEX ix_jobs_state ON jobs (state);
CREATE INDEX ix_legal_hold_items_document_id ON legal_hold_items (document_id);
CREATE INDEX ix_legal_hold_items_matter_id ON legal_hold_items (matter_id);
CREATE INDEX ix_legal_hold_items_root_id ON legal_hold_items (root_id);
CREATE INDEX ix_quarantine_job_id ON quarantine (job_id);
CREATE INDEX ix_quarantine_parent_id ON quarantine (parent_id);
CREATE INDEX ix_saved_searches_owner ON saved_searches (owner);
CREATE INDEX ix_sessions_user_id ON sessions (user_id);
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
INSERT INTO alembic_version (version_num) VALUES ('0001');
