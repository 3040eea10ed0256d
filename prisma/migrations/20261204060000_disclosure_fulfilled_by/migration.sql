-- Who found the call and completed a disclosure (the recorder, where the policy lets them decide it too).
ALTER TABLE "Disclosure" ADD COLUMN "fulfilledBy" TEXT;
