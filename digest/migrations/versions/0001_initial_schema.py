"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("feed_url", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("canonical_url", sa.String(length=2048), nullable=True),
        sa.Column("guid", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published", sa.DateTime(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("bullets", sa.Text(), nullable=False),
        sa.Column("summary_method", sa.String(length=64), nullable=True),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("is_tech", sa.Boolean(), nullable=False),
        sa.Column("announce", sa.Boolean(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_articles_canonical_url"), ["canonical_url"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_cluster_id"), ["cluster_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_feed_url"), ["feed_url"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_fetched_at"), ["fetched_at"], unique=False)

    op.create_table(
        "chats",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("schedule_time", sa.String(length=5), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("paused_reason", sa.Text(), nullable=True),
        sa.Column("last_digest_at", sa.DateTime(), nullable=True),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("platform", "chat_id"),
    )
    op.create_table(
        "feeds",
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("tech_only", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_fetched_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("next_fetch_at", sa.DateTime(), nullable=True),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("url"),
    )
    op.create_table(
        "article_keys",
        sa.Column("key", sa.String(length=2400), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("article_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_keys_article_id"), ["article_id"], unique=False
        )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "chat_id", "article_id", name="uq_delivery_once"),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_due", ["state", "due_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_due")

    op.drop_table("deliveries")
    with op.batch_alter_table("article_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_keys_article_id"))

    op.drop_table("article_keys")
    op.drop_table("feeds")
    op.drop_table("chats")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_fetched_at"))
        batch_op.drop_index(batch_op.f("ix_articles_feed_url"))
        batch_op.drop_index(batch_op.f("ix_articles_cluster_id"))
        batch_op.drop_index(batch_op.f("ix_articles_canonical_url"))

    op.drop_table("articles")
