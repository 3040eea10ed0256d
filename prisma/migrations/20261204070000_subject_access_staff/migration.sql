-- AlterTable
ALTER TABLE "SubjectAccessRequest" ADD COLUMN     "subjectIsStaff" BOOLEAN NOT NULL DEFAULT false;
