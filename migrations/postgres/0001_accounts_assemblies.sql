-- Accounts, assemblies, invitations, sessions and the audit log (issue #2).
-- Timestamps are unix seconds (bigint) so that the same queries serve SQLite and PostgreSQL.
-- Flags are 0/1 integers to keep one set of queries for both backends.

create table users (
    id bigint generated always as identity primary key,
    display_name text not null check (char_length(display_name) between 1 and 80),
    login text not null check (login = lower(login)),
    email text,
    password_hash text not null,
    is_admin bigint not null default 0 check (is_admin in (0, 1)),
    disabled bigint not null default 0 check (disabled in (0, 1)),
    created_at bigint not null,
    updated_at bigint not null
);
create unique index users_login_unique on users (login);

create table assemblies (
    id bigint generated always as identity primary key,
    name text not null check (char_length(name) between 3 and 120),
    town text not null check (char_length(town) between 1 and 120),
    description text not null default '',
    created_by bigint references users (id),
    created_at bigint not null
);

create table memberships (
    id bigint generated always as identity primary key,
    assembly_id bigint not null references assemblies (id) on delete cascade,
    user_id bigint not null references users (id) on delete cascade,
    role text not null check (role in ('member', 'facilitator', 'staff')),
    created_at bigint not null,
    constraint membership_unique unique (assembly_id, user_id, role)
);
create index memberships_user on memberships (user_id);

create table invitations (
    id bigint generated always as identity primary key,
    assembly_id bigint not null references assemblies (id) on delete cascade,
    role text not null check (role in ('member', 'facilitator', 'staff', 'admin')),
    token_hash text not null unique,
    invitee_name text,
    invitee_email text,
    created_by bigint references users (id),
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint,
    used_by bigint references users (id),
    revoked_at bigint
);
create index invitations_assembly on invitations (assembly_id, created_at);

create table sessions (
    id bigint generated always as identity primary key,
    token_hash text not null unique,
    user_id bigint not null references users (id) on delete cascade,
    created_at bigint not null,
    last_seen_at bigint not null,
    expires_at bigint not null
);
create index sessions_user on sessions (user_id);

create table login_attempts (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id) on delete cascade,
    succeeded bigint not null check (succeeded in (0, 1)),
    created_at bigint not null
);
create index login_attempts_user_time on login_attempts (user_id, created_at);

create table setup_tokens (
    token_hash text primary key,
    created_at bigint not null
);

create table audit_events (
    id bigint generated always as identity primary key,
    actor_id bigint references users (id),
    assembly_id bigint references assemblies (id) on delete set null,
    action text not null,
    target_type text not null,
    target_id bigint,
    details text not null default '{}',
    created_at bigint not null
);
create index audit_events_time on audit_events (created_at);
create index audit_events_assembly on audit_events (assembly_id, created_at);
