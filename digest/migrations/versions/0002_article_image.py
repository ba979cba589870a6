"""articles.image_url (the lead image, https only), articles.reading_url (its Telegraph
page) and chats.images (/images on|off; NULL = the default)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("image_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reading_url", sa.Text(), nullable=True))
    with op.batch_alter_table("chats") as batch:
        batch.add_column(sa.Column("images", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chats") as batch:
        batch.drop_column("images")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("reading_url")
        batch.drop_column("image_url")
