"""the catalogue of procedures that may be sent by post (issue 19, first slice)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 16:45:00

Each agency's procedures, known by the national portal's code, with the
documents to hand in. New tables only: nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'procedure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('fee_agency', sa.Integer(), nullable=False),
        sa.Column('processing_days', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_procedure_agency_id_agency')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure')),
        sa.UniqueConstraint('agency_id', 'code', name=op.f('uq_procedure_agency_id')),
    )
    op.create_index(op.f('ix_procedure_agency_id'), 'procedure', ['agency_id'], unique=False)
    op.create_table(
        'procedure_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('procedure_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('copies', sa.Integer(), nullable=False),
        sa.Column('original', sa.Boolean(), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'],
                                name=op.f('fk_procedure_document_procedure_id_procedure')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_document')),
    )
    op.create_index(op.f('ix_procedure_document_procedure_id'), 'procedure_document', ['procedure_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_procedure_document_procedure_id'), table_name='procedure_document')
    op.drop_table('procedure_document')
    op.drop_index(op.f('ix_procedure_agency_id'), table_name='procedure')
    op.drop_table('procedure')
