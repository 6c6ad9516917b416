-- Objectives, their versions and supports, threaded comments, reports, suspensions and the
-- full-text index (issue #3). Moderation state is one column on what can be moderated:
-- 'visible', 'pending' (hidden automatically after reports, until a facilitator reviews it)
-- or 'hidden' (by a facilitator, with a public reason).

alter table assemblies add column support_threshold integer not null default 10
    check (support_threshold between 1 and 100000);

create table objectives (
    id integer primary key,
    assembly_id integer not null references assemblies (id) on delete cascade,
    author_id integer not null references users (id),
    title text not null check (length(title) between 5 and 120),
    body_md text not null,
    body_html text not null,
    channel text not null check (channel in ('phone', 'email', 'front_desk', 'online_services', 'opening_hours',
        'response_delays', 'accessibility', 'signage', 'other')),
    target text not null default '',
    status text not null default 'draft' check (status in ('draft', 'proposed', 'in_discussion', 'voting',
        'adopted', 'rejected', 'withdrawn')),
    version integer not null default 1,
    moderation text not null default 'visible' check (moderation in ('visible', 'pending', 'hidden')),
    moderation_reason text,
    moderation_note text,
    locked integer not null default 0 check (locked in (0, 1)),
    created_at integer not null,
    updated_at integer not null,
    published_at integer
);
create index objectives_assembly on objectives (assembly_id, status, created_at);
create index objectives_author on objectives (author_id);

create table objective_versions (
    id integer primary key,
    objective_id integer not null references objectives (id) on delete cascade,
    version integer not null,
    title text not null,
    body_md text not null,
    body_html text not null,
    channel text not null,
    target text not null,
    created_at integer not null,
    constraint objective_version_unique unique (objective_id, version)
);

create table supports (
    objective_id integer not null references objectives (id) on delete cascade,
    user_id integer not null references users (id) on delete cascade,
    created_at integer not null,
    constraint support_unique primary key (objective_id, user_id)
);

create table comments (
    id integer primary key,
    objective_id integer not null references objectives (id) on delete cascade,
    author_id integer not null references users (id),
    parent_id integer references comments (id),
    thread_id integer references comments (id),
    depth integer not null check (depth between 0 and 2),
    stance text not null check (stance in ('for', 'against', 'neutral')),
    body_md text not null,
    body_html text not null,
    moderation text not null default 'visible' check (moderation in ('visible', 'pending', 'hidden')),
    moderation_reason text,
    moderation_note text,
    created_at integer not null,
    edited_at integer,
    deleted_at integer
);
create index comments_objective_thread on comments (objective_id, thread_id, created_at);
create index comments_objective_top on comments (objective_id, depth, created_at);

create table reports (
    id integer primary key,
    assembly_id integer not null references assemblies (id) on delete cascade,
    target_type text not null check (target_type in ('objective', 'comment')),
    target_id integer not null,
    reporter_id integer not null references users (id) on delete cascade,
    reason text not null check (reason in ('off_topic', 'disrespectful', 'personal_data', 'spam', 'other')),
    details text not null default '',
    created_at integer not null,
    resolved_at integer,
    resolved_by integer references users (id),
    resolution text check (resolution in ('hidden', 'restored', 'dismissed'))
);
-- One open report per person and content: a second one is refused, not counted twice.
create unique index report_open_unique on reports (target_type, target_id, reporter_id) where resolved_at is null;
create index reports_open on reports (assembly_id, resolved_at, created_at);

create table suspensions (
    id integer primary key,
    assembly_id integer not null references assemblies (id) on delete cascade,
    user_id integer not null references users (id) on delete cascade,
    reason text not null,
    until integer not null,
    created_by integer references users (id),
    created_at integer not null,
    lifted_at integer,
    lifted_by integer references users (id)
);
create index suspensions_user on suspensions (assembly_id, user_id, until);

-- Full-text search. The text is folded (accents, case, punctuation) by the application
-- before it is stored, so FTS5 here and tsvector on PostgreSQL see the same words.
-- rowid: objective id * 2, or comment id * 2 + 1.
create virtual table search_index using fts5 (document, objective_id unindexed, tokenize = 'unicode61 remove_diacritics 2');
